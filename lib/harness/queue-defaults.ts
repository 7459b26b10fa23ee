// Queued sweeps' defaults, apart from the queue itself so that flag parsing loads no database driver.
// A worker renews its cell's lease three times a lease, so a cell is taken for lost (and run elsewhere) only
// when its worker has been silent for a whole lease: killed, its machine gone, or its event loop stalled.
export const DEFAULT_LEASE_SECONDS = 120;

// The label of every figure measured through a remote API (declared once; results, runs and reports use it).
export const remoteLabel = (host: string) => `remote, network included (${host})`;

// Experiments: start a sweep (the same spec as `dlm bench`) and browse every stored experiment.
import { countExperiments, EXPERIMENT_STATUSES } from '@/lib/db/experiments.ts';
import { TASK_NAMES } from '@/lib/tasks/registry.ts';
import { ExperimentsClient } from './experiments-client.tsx';

export const dynamic = 'force-dynamic';

export default async function ExperimentsPage() {
  const count = await countExperiments();
  return (
    <>
      <h1>Experiments</h1>
      <p className="lead">
        Sweeps over output length and decoding settings, with both engines on the same items. A sweep runs in the background in this server; the CLI's{' '}
        <code>dlm bench</code> writes to the same history.
      </p>
      <ExperimentsClient empty={count === 0} tasks={TASK_NAMES} statuses={EXPERIMENT_STATUSES} />
    </>
  );
}

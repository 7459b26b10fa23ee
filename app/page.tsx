// Home: the playground, and what is stored so far.
import { countExperiments } from '@/lib/db/experiments.ts';
import { playgroundModelChoices } from '@/lib/harness/model-choices.ts';
import { availableBlockDiffusionModel } from '@/lib/harness/bundled-models.ts';
import { TASK_NAMES } from '@/lib/tasks/registry.ts';
import { Playground } from './playground/playground.tsx';

export const dynamic = 'force-dynamic'; // the database changes while the server runs

async function storedExperiments(): Promise<{ count: number } | { error: string }> {
  try {
    return { count: await countExperiments() };
  } catch (error) {
    return { error: (error as Error).message.split('\n')[0]! };
  }
}

export default async function HomePage() {
  const stored = await storedExperiments();
  const blockModel = await availableBlockDiffusionModel(); // the third panel, when the block-diffusion model is there
  return (
    <>
      <h1>Playground</h1>
      <p className="lead">
        The same prompt through the bundled autoregressive model (KV cache) and the masked-diffusion model of the same size, measured on this machine. Pick a
        task item to have the answer checked.
      </p>
      <Playground tasks={TASK_NAMES} blockModel={blockModel} modelChoices={await playgroundModelChoices()} />
      {'error' in stored ? (
        <p className="error-box" data-testid="database-error">
          Database unavailable: {stored.error}
        </p>
      ) : (
        <p className="muted" data-testid="experiment-count">
          {stored.count} experiment{stored.count === 1 ? '' : 's'} stored. <a href="/experiments">Experiments →</a> ·{' '}
          <a href="/claims" data-testid="claims-link">
            The article’s claims, checked here →
          </a>
        </p>
      )}
    </>
  );
}

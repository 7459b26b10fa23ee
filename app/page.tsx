// Home: the models this installation can run (the same data as `dlm models`) and what is stored so far.
import { countExperiments } from '@/lib/db/experiments.ts';
import { discoverModels } from '@/lib/models/discover.ts';
import { ModelTable } from './model-table.tsx';

export const dynamic = 'force-dynamic'; // models and the database change while the server runs

async function storedExperiments(): Promise<{ count: number } | { error: string }> {
  try {
    return { count: await countExperiments() };
  } catch (error) {
    return { error: (error as Error).message.split('\n')[0]! };
  }
}

export default async function HomePage() {
  const [{ models, warnings }, stored] = await Promise.all([discoverModels(), storedExperiments()]);
  return (
    <>
      <h1>Models</h1>
      <p className="lead">
        Model folders found under <code>models/</code> and <code>$DLM_MODELS_DIR</code>. Hashes identify the exact ONNX
        file behind every stored result.
      </p>
      <ModelTable models={models} />
      {warnings.map((w) => (
        <p key={w} className="problem">
          {w}
        </p>
      ))}
      <h2>Stored results</h2>
      {'error' in stored ? (
        <p className="error-box" data-testid="database-error">
          Database unavailable: {stored.error}
        </p>
      ) : (
        <p data-testid="experiment-count">
          {stored.count} experiment{stored.count === 1 ? '' : 's'} stored.
        </p>
      )}
    </>
  );
}

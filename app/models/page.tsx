// Models: what this installation can run (the same data as `dlm models`).
import { discoverModels } from '@/lib/models/discover.ts';
import { ModelTable } from './model-table.tsx';

export const dynamic = 'force-dynamic'; // model folders change while the server runs

export default async function ModelsPage() {
  const { models, warnings } = await discoverModels();
  return (
    <>
      <h1>Models</h1>
      <p className="lead">
        Model folders found under <code>models/</code> and <code>$DLM_MODELS_DIR</code>. Hashes identify the exact ONNX file behind every stored result.
      </p>
      <ModelTable models={models} />
      {warnings.map((w) => (
        <p key={w} className="problem">
          {w}
        </p>
      ))}
    </>
  );
}

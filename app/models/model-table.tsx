import type { ModelInfo } from '@/lib/models/discover.ts';
import { apiKeyIsSet } from '@/lib/models/remote-config.ts';

function formatBytes(bytes: number | null): string {
  if (bytes === null) return '—';
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

export function ModelTable({ models }: { models: ModelInfo[] }) {
  if (models.length === 0) {
    return (
      <p className="empty" data-testid="no-models">
        No models found. Put a Hugging Face-layout folder (config.json with &quot;decoding&quot;, tokenizer.json,
        onnx/model.onnx) under <code>models/</code> or point <code>DLM_MODELS_DIR</code> at a folder of them.
      </p>
    );
  }
  return (
    <table data-testid="model-table">
      <thead>
        <tr>
          <th>id</th>
          <th>decoding</th>
          <th>parameters</th>
          <th>context</th>
          <th>ONNX size</th>
          <th>SHA-256</th>
        </tr>
      </thead>
      <tbody>
        {models.map((m) => (
          <tr key={m.dir} data-testid="model-row" data-model-id={m.id}>
            <td className="mono">{m.id}</td>
            <td>
              {m.decoding ? <span className={`badge ${m.decoding}`}>{m.decoding}</span> : '—'}
              {m.decodingInferred && (
                <div className="muted" data-testid="decoding-inferred">
                  {m.decodingInferred}
                </div>
              )}
              {m.remote && (
                <div className="muted" data-testid="remote-model">
                  {m.remote.paradigm} via {m.remote.host} ({m.remote.model}){m.remote.apiKeyEnv && !apiKeyIsSet(m.remote) ? ` · set ${m.remote.apiKeyEnv}` : ''}
                </div>
              )}
            </td>
            <td className="num">{m.parameters?.toLocaleString('en-US') ?? '—'}</td>
            <td className="num">{m.contextLength ?? '—'}</td>
            <td className="num">{formatBytes(m.fileBytes)}</td>
            <td className="mono" title={m.sha256 ?? undefined}>
              {m.sha256?.slice(0, 16) ?? '—'}
              {m.problems.map((p) => (
                <div key={p} className="problem">
                  {p}
                </div>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// Which models each side of the playground can pick: every usable local model of that kind and every remote
// model of that paradigm (one whose key's variable is unset is listed, disabled, with "set NAME").
import { discoverModels, type ModelInfo, type Paradigm } from '../models/discover.ts';
import { loadableDtypes, type OnnxDtype } from '../models/onnx-variants.ts';
import { apiKeyIsSet } from '../models/remote-config.ts';
import { remoteLabel } from '../engines/remote/label.ts';
import { BUNDLED_AR_MODEL_ID, BUNDLED_DIFFUSION_MODEL_ID } from './bundled-models.ts';

export interface ModelChoice {
  id: string;
  remote: string | null; // "remote, network included (<host>)" for a remote model
  unavailable: string | null; // why it cannot be picked now, e.g. "set OPENAI_API_KEY"
  dtypes: OnnxDtype[]; // the ONNX variants it can load, the default first (the panel offers a choice when there are two or more)
}

export type ModelChoices = Record<Paradigm, ModelChoice[]>;

const BUNDLED: Record<Paradigm, string> = { autoregressive: BUNDLED_AR_MODEL_ID, diffusion: BUNDLED_DIFFUSION_MODEL_ID };

/** The panel a model can stand in: local AR and full-canvas diffusion folders, and remote ones by paradigm. */
function sideOf(m: ModelInfo): Paradigm | null {
  if (m.problems.length > 0) return null;
  if (m.remote) return m.remote.paradigm;
  return m.decoding === 'autoregressive' || m.decoding === 'diffusion' ? m.decoding : null; // block diffusion has its own panel
}

export async function playgroundModelChoices(): Promise<ModelChoices> {
  const { models } = await discoverModels();
  const choices: ModelChoices = { autoregressive: [], diffusion: [] };
  for (const m of models) {
    const side = sideOf(m);
    if (!side) continue;
    const unavailable = m.remote && !apiKeyIsSet(m.remote) ? `set ${m.remote.apiKeyEnv}` : null;
    choices[side].push({ id: m.id, remote: m.remote ? remoteLabel(m.remote.host) : null, unavailable, dtypes: loadableDtypes(m) });
  }
  for (const side of ['autoregressive', 'diffusion'] as const) {
    // The bundled model first: it is the default.
    choices[side].sort((a, b) => Number(b.id === BUNDLED[side]) - Number(a.id === BUNDLED[side]));
  }
  return choices;
}

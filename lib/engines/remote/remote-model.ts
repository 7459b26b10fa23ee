// A remote model ready to call: its folder's description, the API it names and, when the folder ships a
// tokenizer.json, a tokenizer to count tokens exactly when the provider sends no usage.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ModelInfo, Paradigm } from '../../models/discover.ts';
import { apiKeyIsSet, type RemoteModelConfig } from '../../models/remote-config.ts';
import { ModelConfigError } from '../model-config.ts';
import { createTokenizer, type TextTokenizer } from '../tokenizer.ts';
import { RemoteAuthError } from './errors.ts';

export interface RemoteModel {
  kind: 'remote';
  info: ModelInfo; // sha256 = the config's SHA-256
  remote: RemoteModelConfig;
  paradigm: Paradigm; // which side of a comparison it stands on
  tokenizer: TextTokenizer | null;
}

export { remoteLabel } from './label.ts';

/** Checks the folder and that its key's variable is set (the key itself is read per request). */
export function loadRemoteModel(info: ModelInfo): RemoteModel {
  if (info.problems.length > 0 || !info.remote) throw new ModelConfigError(`model "${info.id}" cannot be used: ${info.problems.join('; ')}`);
  if (!apiKeyIsSet(info.remote)) throw new RemoteAuthError(`set ${info.remote.apiKeyEnv} to use the remote model ${info.id} (${info.remote.host})`);
  const tokenizerFile = path.join(info.dir, 'tokenizer.json');
  return { kind: 'remote', info, remote: info.remote, paradigm: info.remote.paradigm, tokenizer: existsSync(tokenizerFile) ? createTokenizer(info.dir) : null };
}

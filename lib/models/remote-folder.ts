// Describes a remote model folder (config.json "decoding": "remote"): no ONNX file and no weights to hash, so
// the SHA-256 recorded with its runs is the config's, and its figures are labelled with base_url's host.
import { createHash } from 'node:crypto';
import type { ModelInfo } from './discover.ts';
import { parseRemoteConfig } from './remote-config.ts';

export function describeRemoteFolder(info: ModelInfo, configText: string, config: Record<string, unknown>): ModelInfo {
  const { config: remote, problems } = parseRemoteConfig(config);
  return {
    ...info,
    decoding: 'remote',
    contextLength: remote?.contextLength ?? null,
    sha256: createHash('sha256').update(configText).digest('hex'),
    remote,
    problems: [...info.problems, ...problems],
  };
}

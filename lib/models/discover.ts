// Finds model folders (Hugging Face layout: config.json + onnx/model.onnx) under models/ and $DLM_MODELS_DIR
// and describes each one. A folder that is not usable is still listed, with the reason, so users see why.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../paths.ts';
import { UserError } from '../user-error.ts';
import { sha256OfFile } from './file-hash.ts';
import { isLogitConvention, type LogitConvention, logitConventionProblem } from './logit-convention.ts';
import { inferDecoding } from './causal-lm.ts';
import { diffusionFamilyOf, inferDiffusion, isFamilyProblem, withStandardKeys } from './diffusion-families.ts';
import { countOnnxNodes, countOnnxParameters } from './onnx-parameters.ts';
import { availableDtypes, externalDataFiles, onnxFileName, type OnnxDtype } from './onnx-variants.ts';
import type { RemoteModelConfig } from './remote-config.ts';
import { describeRemoteFolder } from './remote-folder.ts';
import { readSpecialTokens } from './special-tokens.ts';

/** config.json "decoding": how a folder's model is run. Declared once; every list of kinds derives from it. */
export const DECODING_KINDS = ['autoregressive', 'diffusion', 'block_diffusion', 'remote'] as const;
export type DecodingKind = (typeof DECODING_KINDS)[number];

/** The decoders that run here (a remote model is run by its provider; its runs take its paradigm's side). */
export type EngineKind = Exclude<DecodingKind, 'remote'>;
export const ENGINE_KINDS = DECODING_KINDS.filter((kind): kind is EngineKind => kind !== 'remote');

/** The two sides of every comparison: a model generates left to right, or fills a canvas in parallel
 * (full-canvas and block diffusion, and remote models whose provider says "diffusion"). */
export const PARADIGMS = ['autoregressive', 'diffusion'] as const;
export type Paradigm = (typeof PARADIGMS)[number];

export interface ModelInfo {
  id: string; // folder name; what --model takes
  dir: string; // absolute folder path
  decoding: DecodingKind | null; // from config.json "decoding"; null when missing or unknown
  decodingInferred?: string | null; // what a published model's config.json implied and why (causal LM, LLaDA, Dream, ...)
  modelType: string | null; // config.json model_type, e.g. "llama"
  parameters: number | null; // floating-point weights in the ONNX graph
  graphNodes: number | null; // nodes that run per forward (Constant excluded), before onnxruntime's fusions
  contextLength: number | null; // max_position_embeddings
  vocabSize: number | null;
  maskTokenId: number | null; // diffusion models only
  diffusionLogits: LogitConvention | null; // diffusion models only: aligned (LLaDA) or shifted (Dream)
  blockSize: number | null; // block diffusion only: config.json "block_size"
  onnxFile: string | null; // absolute path of onnx/model.onnx (or the first dtype variant when there is no fp32 graph)
  dtypes?: OnnxDtype[]; // the dtype variants in onnx/ (model.onnx = fp32, model_fp16.onnx, model_q4.onnx, ...)
  cachedOnnxFile: string | null; // diffusion: onnx/model_cached.onnx, the same weights with a KV-cache interface
  fileBytes: number | null; // size of the ONNX file plus any external-data files
  sha256: string | null; // of the ONNX file
  remote?: RemoteModelConfig | null; // "decoding": "remote" only: the API it calls (sha256 is then the config's)
  problems: string[]; // why the folder cannot be used as it is; empty when fine
}

/** A diffusion model's second graph: the same weights with the KV-cache interface (block caching). */
export const CACHED_ONNX_FILE = 'model_cached.onnx';

export interface ModelListing {
  models: ModelInfo[];
  warnings: string[]; // e.g. a $DLM_MODELS_DIR that does not exist, or a duplicate id
}

/** Folders searched, in precedence order: the bundled models/, then each entry of $DLM_MODELS_DIR. */
export function modelSearchDirs(): { dir: string; fromEnv: boolean }[] {
  const extra = (process.env.DLM_MODELS_DIR ?? '').split(path.delimiter).filter(Boolean);
  return [{ dir: path.join(projectRoot(), 'models'), fromEnv: false }, ...extra.map((d) => ({ dir: path.resolve(d), fromEnv: true }))];
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

const numberOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

export async function describeModelFolder(dir: string): Promise<ModelInfo> {
  const info: ModelInfo = {
    id: path.basename(dir),
    dir,
    decoding: null,
    modelType: null,
    parameters: null,
    graphNodes: null,
    contextLength: null,
    vocabSize: null,
    maskTokenId: null,
    diffusionLogits: null,
    blockSize: null,
    onnxFile: null,
    cachedOnnxFile: null,
    fileBytes: null,
    sha256: null,
    problems: [],
  };
  try {
    const published = readJson(path.join(dir, 'config.json'));
    if (published.decoding === 'remote') return describeRemoteFolder(info, readFileSync(path.join(dir, 'config.json'), 'utf8'), published);
    const config = withStandardKeys(published);
    info.modelType = typeof config.model_type === 'string' ? config.model_type : null;
    info.contextLength = numberOrNull(config.max_position_embeddings);
    info.vocabSize = numberOrNull(config.vocab_size);
    const family = inferDiffusion(config, () => readSpecialTokens(dir)); // a published diffusion LM (LLaDA, Dream, ...)
    if (isFamilyProblem(family)) {
      info.decoding = typeof config.decoding === 'string' && isEngineKind(config.decoding) ? config.decoding : diffusionFamilyOf(config)!.decoding;
      info.problems.push(family.problem);
    } else if (family) {
      Object.assign(info, { decoding: family.decoding, decodingInferred: family.reason, maskTokenId: family.maskTokenId });
      Object.assign(info, { diffusionLogits: family.diffusionLogits, blockSize: family.blockSize });
    } else describeOwnKeys(info, config);
  } catch (error) {
    info.problems.push(`config.json unreadable: ${(error as Error).message}`);
  }
  if (!existsSync(path.join(dir, 'tokenizer.json'))) info.problems.push('tokenizer.json missing');
  info.dtypes = availableDtypes(path.join(dir, 'onnx'));
  if (info.dtypes.length === 0) {
    info.problems.push('onnx/model.onnx missing');
    return info;
  }
  const onnxFile = path.join(dir, 'onnx', onnxFileName(info.dtypes[0]!)); // fp32 when present
  info.onnxFile = onnxFile;
  const cachedOnnxFile = path.join(dir, 'onnx', CACHED_ONNX_FILE);
  if (info.decoding === 'diffusion' && existsSync(cachedOnnxFile)) info.cachedOnnxFile = cachedOnnxFile;
  const files = [onnxFile, ...externalDataFiles(onnxFile), ...(info.cachedOnnxFile ? [info.cachedOnnxFile] : [])];
  info.fileBytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  info.sha256 = await sha256OfFile(onnxFile);
  try {
    const bytes = readFileSync(onnxFile);
    info.parameters = countOnnxParameters(bytes);
    info.graphNodes = countOnnxNodes(bytes);
  } catch (error) {
    info.problems.push(`onnx/${path.basename(onnxFile)} unreadable: ${(error as Error).message}`);
  }
  return info;
}

const isEngineKind = (value: string): value is EngineKind => (ENGINE_KINDS as readonly string[]).includes(value);

/** A folder that is no published diffusion family: our own keys, or a standard causal LM's model_type. */
function describeOwnKeys(info: ModelInfo, config: Record<string, unknown>): void {
  const decoding = config.decoding;
  const inferred = decoding === undefined ? inferDecoding(config) : null;
  if (decoding === 'autoregressive' || decoding === 'diffusion' || decoding === 'block_diffusion') info.decoding = decoding;
  else if (inferred) [info.decoding, info.decodingInferred] = [inferred.decoding, inferred.reason];
  else info.problems.push(`config.json has no "decoding": ${DECODING_KINDS.map((k) => `"${k}"`).join(' | ')} (nor a causal-LM model_type to infer it from)`);
  info.maskTokenId = numberOrNull(config.mask_token_id);
  const masked = info.decoding === 'diffusion' || info.decoding === 'block_diffusion'; // fills <mask> positions
  if (masked && info.maskTokenId === null) info.problems.push(`${info.decoding} model without mask_token_id in config.json`);
  if (info.decoding === 'block_diffusion') {
    info.blockSize = numberOrNull(config.block_size);
    if (info.blockSize === null || !Number.isInteger(info.blockSize) || info.blockSize < 1) {
      info.problems.push('block_diffusion model without a positive integer "block_size" in config.json');
    }
  }
  if (masked) {
    const problem = logitConventionProblem(config.diffusion_logits);
    if (problem) info.problems.push(problem);
    else if (isLogitConvention(config.diffusion_logits)) info.diffusionLogits = config.diffusion_logits;
  }
}

export async function discoverModels(): Promise<ModelListing> {
  const listing: ModelListing = { models: [], warnings: [] };
  const seen = new Map<string, string>();
  for (const { dir, fromEnv } of modelSearchDirs()) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      if (fromEnv) listing.warnings.push(`DLM_MODELS_DIR entry ${dir} is not a folder`);
      continue;
    }
    const folders = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, 'config.json')))
      .map((entry) => entry.name)
      .sort();
    for (const name of folders) {
      const first = seen.get(name);
      if (first) {
        listing.warnings.push(`model id "${name}" in ${dir} is hidden by the one in ${first}`);
        continue;
      }
      seen.set(name, dir);
      listing.models.push(await describeModelFolder(path.join(dir, name)));
    }
  }
  return listing;
}

/** Looks a model up by id; the error lists what exists. */
export async function findModel(id: string): Promise<ModelInfo> {
  const { models } = await discoverModels();
  const model = models.find((m) => m.id === id);
  if (!model) {
    const known = models.map((m) => m.id).join(', ') || 'none';
    throw new UserError(`unknown model "${id}" (available: ${known})`);
  }
  return model;
}

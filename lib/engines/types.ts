// The one interface both decoding engines implement, and the settings, events and results they share.
import type { EngineKind } from '../models/discover.ts';
import { DIFFUSION_SAMPLERS, type DiffusionSampler } from '../models/diffusion-families.ts';
import { UserError } from '../user-error.ts';

export const EXECUTION_PROVIDERS = ['cpu', 'cuda', 'webgpu'] as const;
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number];
export const GRAPH_OPTIMIZATION_LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;
export type GraphOptimizationLevel = (typeof GRAPH_OPTIMIZATION_LEVELS)[number];

/** ORT session options; both engines in a comparison always get the same ones. */
export interface SessionSettings {
  executionProvider: ExecutionProvider;
  intraOpThreads: number | null; // null = onnxruntime's default (one per physical core)
  graphOptimizationLevel: GraphOptimizationLevel;
}

export const REMASKING_POLICIES = ['low_confidence', 'random', 'margin', 'entropy'] as const;
export type RemaskingPolicy = (typeof REMASKING_POLICIES)[number];

/** How many masked positions a fixed-step mode commits per step: LLaDA's even split of each block over its steps,
 * or Dream's timestep schedule (int(n·(1 − s/t)) of the n still masked). Declared with the families that publish them. */
export const UNMASKING_SCHEDULES = DIFFUSION_SAMPLERS;
export type UnmaskingSchedule = DiffusionSampler;

/** Diffusion KV caching (Fast-dLLM): none; prefix = the prompt and finished blocks' keys/values, refreshed
 * once per block; dual = also the masked suffix's, so a step runs the current block only. */
export const CACHE_MODES = ['none', 'prefix', 'dual'] as const;
export type CacheMode = (typeof CACHE_MODES)[number];

/** Every decoding setting either engine understands; each engine reads the ones that apply to it. */
export interface DecodingSettings {
  maxNewTokens: number; // AR: most tokens to generate; diffusion: canvas length L
  temperature: number; // 0 = greedy / argmax
  topK: number; // AR only; 0 = off
  topP: number; // AR only; 1 = off
  seed: number; // for every random choice (sampling, Gumbel noise, random remasking)
  minNewTokens: number; // <eos> is never proposed before this many tokens (AR) / canvas positions (diffusion): exact-length latency sweeps
  steps: number; // diffusion: denoising steps over the whole canvas (fixed-step modes)
  blockLength: number; // diffusion: semi-autoregressive block size; = maxNewTokens for one block
  remasking: RemaskingPolicy; // diffusion: how committed positions are chosen each step
  schedule: UnmaskingSchedule; // diffusion, fixed steps: how many positions each step commits (llada | dream)
  threshold: number | null; // diffusion: commit every masked token above this confidence (Fast-dLLM); null = fixed steps
  factor: number | null; // diffusion: Fast-dLLM's factor rule, commit the top n while (n + 1)(1 − c_n) < factor; null = off
  cache: CacheMode; // diffusion: block-wise KV caching (approximate: cached keys/values go stale within a block)
}

export interface GenerationRequest {
  prompt: string;
  settings?: Partial<DecodingSettings>;
}

export type StopReason = 'eos' | 'max_tokens' | 'cancelled';

/** A committed diffusion position, as shown on the denoising canvas. */
export interface CommittedToken {
  position: number; // index within the answer canvas (0 = first generated position)
  tokenId: number;
  text: string;
  confidence: number; // the remasking policy's score that got it committed
}

/** Which engine decodes a model: config.json "decoding" of a local model folder. */
export type { EngineKind };

export type GenerationEvent =
  | { type: 'start'; engine: EngineKind; promptTokens: number; length: number } // block diffusion: length = the cap rounded up to whole blocks
  | { type: 'block'; block: number; start: number; length: number; elapsedMs: number } // block diffusion: the canvas grows by one block of masks
  | { type: 'token'; index: number; tokenId: number; text: string; elapsedMs: number } // AR: one per token
  | { type: 'step'; step: number; block: number; committed: CommittedToken[]; elapsedMs: number }; // diffusion: one per step

export interface GenerationTimings {
  ttftMs: number; // to the first generated (AR) or first committed (diffusion) token, tokenisation included
  totalMs: number; // whole generate() call
  forwardPasses: number; // NFE
  forwardMs: number[]; // wall time of each session.run inside the engine
  generatedTokens: number; // output tokens after trimming, prompt excluded
  tokensPerSecond: number; // generatedTokens / totalMs
}

export interface GenerationResult {
  text: string;
  tokenIds: number[]; // generated ids, without the prompt and without <eos>
  stopReason: StopReason;
  promptTokens: number;
  settings: DecodingSettings; // what was actually used, defaults filled in
  timings: GenerationTimings;
  remote?: RemoteMeasurement; // remote models only: where it was measured, how tokens were counted, cost
}

/** A remote model's result: every figure is "remote, network included" and says how its tokens were counted. */
export interface RemoteMeasurement {
  host: string; // base_url's host
  label: string; // "remote, network included (<host>)"
  providerModel: string; // the provider's model id
  tokenSource: 'usage' | 'tokenizer' | 'estimate'; // the provider's usage, the folder's tokenizer, or ~4 chars/token
  tokensEstimated: boolean; // tokenSource === 'estimate'
  promptTokens: number;
  costUsd: number | null; // usage × price_per_million; null without a price
  finishReason: string | null;
  attempts: number; // requests sent (retries of 429/5xx included); the timings are the last one's
}

export interface GenerateOptions {
  onEvent?: (event: GenerationEvent) => void;
  signal?: AbortSignal; // checked before every forward pass
}

/** A request its engine has resolved for one prompt: every setting filled in and checked against the model. */
export interface ResolvedRequest {
  readonly prompt: string;
  readonly settings: DecodingSettings;
  readonly modelId: string; // the engine that resolved it: another engine refuses it
}

/**
 * Resolving and decoding are separate steps so a caller resolves each request once (a sweep: once per cell,
 * before its warm-up and repeats) and decodes it as often as it measures it.
 */
export interface Engine {
  readonly kind: EngineKind;
  readonly modelId: string;
  /** Fills in the defaults and checks the settings for this model and prompt (throws a UserError naming the problem). */
  resolve(request: GenerationRequest): ResolvedRequest;
  /** Decodes a request this engine resolved, with its settings as they are. */
  decode(request: ResolvedRequest, options?: GenerateOptions): Promise<GenerationResult>;
  /** resolve, then decode: for callers that decode a request once. */
  generate(request: GenerationRequest, options?: GenerateOptions): Promise<GenerationResult>;
}

/** A decoding setting that cannot work; `setting` names the one to change (null: the prompt itself). */
export class SettingsError extends UserError {
  constructor(
    message: string,
    readonly setting: keyof DecodingSettings | null = null,
  ) {
    super(message);
  }
}

export const DEFAULT_SESSION_SETTINGS: SessionSettings = {
  executionProvider: 'cpu',
  intraOpThreads: null,
  graphOptimizationLevel: 'all',
};

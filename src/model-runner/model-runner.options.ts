import { ConfigError } from '../config/config-error';
import { Env, readDurationMs, readInt, readOptionalString, readPort, readString } from '../config/env';

/**
 * Settings of the model-runner module. Every field but the orchestrator address has the
 * reference default.
 *
 * @example
 *   new ModelRunnerService({ host: '127.0.0.1', port: 9091, crunchId: 'condor', baseClassName: 'condorgame.tracker.TrackerBase' });
 *   new ModelRunnerService(modelRunnerOptionsFromEnv(process.env, { crunchId, baseClassName }));
 */
export type ModelSecurityMode = 'insecure' | 'secure' | 'gateway';

export interface ModelRunnerOptions {
  /** Orchestrator WebSocket: ws://{host}:{port}/{crunchId}. */
  host: string;
  port: number;
  crunchId: string;
  /** The participant base class path sent in Setup. */
  baseClassName: string;
  callTimeoutMs?: number;
  connectTimeoutMs?: number;
  setupTimeoutMs?: number;
  setupAttempts?: number;
  setupBackoffMs?: number;
  /** Models connecting and in Setup at once (the rest wait their turn, see SetupSlots). */
  setupConcurrency?: number;
  healthCheckTimeoutMs?: number;
  reconnectBackoffMs?: number;
  reconnectMaxBackoffMs?: number;
  maxConsecutiveFailures?: number;
  maxConsecutiveTimeouts?: number;
  cooldownAfterTimeouts?: number;
  maxCooldownSkips?: number;
  securityMode?: ModelSecurityMode;
  /** Secure mode: directory holding ca.crt, tls.crt, tls.key. */
  credentialsDir?: string;
  /** Gateway mode: the coordinator's RSA private key (PEM). */
  gatewayKeyPath?: string;
  /** Gateway mode: a CA bundle to trust instead of the system CAs (tests, private gateways). */
  gatewayCaPath?: string;
}

export const MODEL_RUNNER_OPTIONS = Symbol('MODEL_RUNNER_OPTIONS');

export type ResolvedModelRunnerOptions = Required<Omit<ModelRunnerOptions, 'credentialsDir' | 'gatewayKeyPath' | 'gatewayCaPath'>> &
  Pick<ModelRunnerOptions, 'credentialsDir' | 'gatewayKeyPath' | 'gatewayCaPath'>;

export const MODEL_RUNNER_DEFAULTS = {
  callTimeoutMs: 60_000,
  connectTimeoutMs: 10_000,
  setupTimeoutMs: 60_000,
  setupAttempts: 5,
  setupBackoffMs: 2_000,
  setupConcurrency: 256,
  healthCheckTimeoutMs: 5_000,
  reconnectBackoffMs: 10_000,
  reconnectMaxBackoffMs: 60_000,
  maxConsecutiveFailures: 100,
  maxConsecutiveTimeouts: 20,
  cooldownAfterTimeouts: 2,
  maxCooldownSkips: 32,
  securityMode: 'insecure' as ModelSecurityMode,
};

export class ModelRunnerConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly reason: string,
  ) {
    super(`${variable} ${reason}`);
    this.name = 'ModelRunnerConfigError';
  }
}

/** Fills defaults and checks consistency (e.g. secure mode needs its credentials directory). */
export function resolveModelRunnerOptions(options: ModelRunnerOptions): ResolvedModelRunnerOptions {
  const resolved = { ...MODEL_RUNNER_DEFAULTS, ...stripUndefined(options) } as ResolvedModelRunnerOptions;
  if (!resolved.host) throw new ModelRunnerConfigError('host', 'must be set');
  if (!resolved.crunchId) throw new ModelRunnerConfigError('crunchId', 'must be set');
  if (!resolved.baseClassName) throw new ModelRunnerConfigError('baseClassName', 'must be set');
  if (!Number.isInteger(resolved.setupConcurrency) || resolved.setupConcurrency < 1) {
    throw new ModelRunnerConfigError('setupConcurrency', `must be a positive integer, got ${resolved.setupConcurrency}`);
  }
  if (resolved.securityMode === 'secure' && !resolved.credentialsDir) {
    throw new ModelRunnerConfigError('credentialsDir', 'is required in secure mode');
  }
  if (resolved.securityMode === 'gateway' && !resolved.gatewayKeyPath) {
    throw new ModelRunnerConfigError('gatewayKeyPath', 'is required in gateway mode');
  }
  return resolved;
}

/**
 * Reads the module's environment variables with the app's environment readers:
 * ORCHESTRATOR_HOST (127.0.0.1), ORCHESTRATOR_PORT (9091), CRUNCH_ID, MODEL_BASE_CLASS,
 * MODEL_CALL_TIMEOUT_MS (60000), MODEL_SETUP_ATTEMPTS (5), MODEL_SETUP_BACKOFF_MS (2000),
 * MODEL_SETUP_CONCURRENCY (256),
 * ORCHESTRATOR_RECONNECT_MS (10000), MODEL_MAX_CONSECUTIVE_FAILURES (100),
 * MODEL_MAX_CONSECUTIVE_TIMEOUTS (20), MODEL_SECURITY_MODE (insecure|secure|gateway),
 * MODEL_CREDENTIALS_DIR, MODEL_GATEWAY_KEY_PATH, MODEL_GATEWAY_CA_PATH.
 * `fallback` gives crunchId/baseClassName when the competition definition owns them.
 * An invalid value throws a ConfigError naming the variable.
 */
export function modelRunnerOptionsFromEnv(env: Env, fallback: Partial<ModelRunnerOptions> = {}): ModelRunnerOptions {
  const text = (name: string) => readOptionalString(env, name);
  const mode = env.MODEL_SECURITY_MODE?.trim()
    ? (readString(env, 'MODEL_SECURITY_MODE', { pattern: /^(insecure|secure|gateway)$/, hint: 'must be insecure, secure or gateway' }) as ModelSecurityMode)
    : undefined;
  const options: ModelRunnerOptions = {
    ...fallback,
    host: text('ORCHESTRATOR_HOST') ?? fallback.host ?? '127.0.0.1',
    port: readPort(env, 'ORCHESTRATOR_PORT') ?? fallback.port ?? 9091,
    crunchId: text('CRUNCH_ID') ?? fallback.crunchId ?? '',
    baseClassName: text('MODEL_BASE_CLASS') ?? fallback.baseClassName ?? '',
    callTimeoutMs: readDurationMs(env, 'MODEL_CALL_TIMEOUT_MS', { min: 1 }) ?? fallback.callTimeoutMs,
    setupAttempts: readInt(env, 'MODEL_SETUP_ATTEMPTS', { min: 1, max: 100 }) ?? fallback.setupAttempts,
    setupBackoffMs: readDurationMs(env, 'MODEL_SETUP_BACKOFF_MS') ?? fallback.setupBackoffMs,
    setupConcurrency: readInt(env, 'MODEL_SETUP_CONCURRENCY', { min: 1, max: 100_000 }) ?? fallback.setupConcurrency,
    reconnectBackoffMs: readDurationMs(env, 'ORCHESTRATOR_RECONNECT_MS', { min: 1 }) ?? fallback.reconnectBackoffMs,
    maxConsecutiveFailures: readInt(env, 'MODEL_MAX_CONSECUTIVE_FAILURES', { min: 1 }) ?? fallback.maxConsecutiveFailures,
    maxConsecutiveTimeouts: readInt(env, 'MODEL_MAX_CONSECUTIVE_TIMEOUTS', { min: 1 }) ?? fallback.maxConsecutiveTimeouts,
    securityMode: mode ?? fallback.securityMode,
    credentialsDir: text('MODEL_CREDENTIALS_DIR') ?? fallback.credentialsDir,
    gatewayKeyPath: text('MODEL_GATEWAY_KEY_PATH') ?? fallback.gatewayKeyPath,
    gatewayCaPath: text('MODEL_GATEWAY_CA_PATH') ?? fallback.gatewayCaPath,
  };
  if (options.securityMode === 'secure' && !options.credentialsDir) {
    throw new ConfigError('MODEL_CREDENTIALS_DIR', 'is required when MODEL_SECURITY_MODE=secure');
  }
  if (options.securityMode === 'gateway' && !options.gatewayKeyPath) {
    throw new ConfigError('MODEL_GATEWAY_KEY_PATH', 'is required when MODEL_SECURITY_MODE=gateway');
  }
  return options;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

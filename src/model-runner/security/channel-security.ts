import * as grpc from '@grpc/grpc-js';
import type { ModelState } from '../protocol/model-state';

/**
 * How the coordinator reaches one model (spec section 5): channel credentials and options,
 * metadata added to each call, and the check of the server's answer.
 *
 * @example
 *   const security = new InsecureChannelSecurity();
 *   const { credentials, options } = security.channel(model);
 *   const client = new DynamicSubclassService(`${model.ip}:${model.port}`, credentials, options);
 */
export interface ModelChannelSecurity {
  readonly mode: 'insecure' | 'secure' | 'gateway';
  channel(model: ModelState): { credentials: grpc.ChannelCredentials; options: grpc.ChannelOptions };
  /**
   * Metadata for one call (a fresh signed token in gateway mode). It may be one shared object:
   * grpc-js copies the metadata it is given when a call starts.
   */
  callMetadata(model: ModelState): grpc.Metadata;
  /** False when `verifyServer` checks nothing, so calls need not keep the server's initial metadata. */
  readonly verifiesServer?: boolean;
  /**
   * Checks a finished Setup/Call: the server's initial metadata and its TLS peer certificate.
   * Throws ServerIdentityError when the server cannot prove who it is.
   */
  verifyServer(model: ModelState, initialMetadata: grpc.Metadata | null, call: grpc.ClientUnaryCall): void;
}

/** Plain ip:port, for local development. */
export class InsecureChannelSecurity implements ModelChannelSecurity {
  readonly mode = 'insecure' as const;
  readonly verifiesServer = false;
  private readonly credentials = grpc.credentials.createInsecure();
  private readonly metadata = new grpc.Metadata();

  channel(): { credentials: grpc.ChannelCredentials; options: grpc.ChannelOptions } {
    return { credentials: this.credentials, options: {} };
  }

  callMetadata(): grpc.Metadata {
    return this.metadata;
  }

  verifyServer(): void {
    // Nothing to verify without TLS.
  }
}

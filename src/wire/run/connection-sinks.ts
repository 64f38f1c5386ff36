// The sink each TCP connection of a decoder run feeds: TLS recognised by content in front of
// the WebSocket decoder, all charged to the run's one memory budget and key store.
import type { ConnectionSinkFactory } from '../stream.js';
import type { MemoryBudget } from '../budget/memory-budget.js';
import type { TlsOptions } from '../tls/tls-connection.js';
import {
  createWebSocketConnectionDecoder,
  type WebSocketDecoderOptions,
} from '../websocket/connection-decoder.js';
import { createTlsAwareSink } from '../tls/tls-sink.js';
import type { CaptureDecoderOptions } from '../decode-capture.js';

export function connectionSinks(
  options: CaptureDecoderOptions,
  budget: MemoryBudget,
  tls: TlsOptions,
  wantFrames: boolean,
): ConnectionSinkFactory {
  return (info, sinkEmit) =>
    createTlsAwareSink(
      info,
      sinkEmit,
      createWebSocketConnectionDecoder(info, sinkEmit, decoderOptions()),
      tls,
      budget,
    );

  function decoderOptions(): WebSocketDecoderOptions {
    return {
      budget,
      ...(options.maxMessageBytes !== undefined ? { maxMessageBytes: options.maxMessageBytes } : {}),
      ...(options.maxInflateRatio !== undefined ? { maxInflateRatio: options.maxInflateRatio } : {}),
      includeFramePayloads: options.includeFramePayloads ?? false,
      // Frames nobody reads are decoded and checked but not built as events.
      wantFrames,
    };
  }
}

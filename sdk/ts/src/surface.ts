/** Prints the SDK's public surface as JSON (for `make sdk-parity`): client methods, module functions, error classes. */
import * as sdk from './index';

export function surface() {
  const methods = Object.getOwnPropertyNames(sdk.TrustClient.prototype).filter((m) => m !== 'constructor' && !['request', 'delay'].includes(m));
  const functions = ['normalise', 'fieldOf', 'pepperField', 'leafOf', 'leavesOf', 'verifyGroth16'].filter((f) => typeof (sdk as Record<string, unknown>)[f] === 'function');
  const errors = Object.fromEntries(Object.entries(sdk.ERROR_CLASSES).map(([code, cls]) => [code, cls.name]));
  return { language: 'ts', client: 'TrustClient', methods: methods.sort(), functions, errors };
}

if (require.main === module) console.log(JSON.stringify(surface()));

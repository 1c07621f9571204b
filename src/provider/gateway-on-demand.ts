/** What the AI SDK takes from @ai-sdk/gateway: its provider, the provider's factory and two error classes. */
interface GatewayModule {
  createGateway: (...args: never[]) => unknown;
  gateway: (...args: never[]) => unknown;
}

const isMarked = (error: unknown, marker: string): boolean =>
  typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[Symbol.for(marker)] === true;

/**
 * A stand-in for @ai-sdk/gateway in dist/run.cjs (scripts/build.mjs, plugin `providersApart`). The AI
 * SDK imports the gateway (Vercel's hosted model router, ~65 kB with its OIDC client) with its own
 * code, but uses it only for a model named by a bare string, which CodeTether never passes (models
 * come from resolve.ts): the real gateway is loaded on first use of the provider. Its errors are
 * recognised by the markers the gateway's own `isInstance` checks.
 */
export function gatewayOnDemand(load: () => GatewayModule) {
  let loaded: GatewayModule | undefined;
  const real = () => (loaded ??= load());
  const GatewayError = { isInstance: (error: unknown) => isMarked(error, "vercel.ai.gateway.error") };
  return {
    GatewayError,
    GatewayAuthenticationError: {
      isInstance: (error: unknown) =>
        GatewayError.isInstance(error) &&
        Symbol.for("vercel.ai.gateway.error.GatewayAuthenticationError") in (error as object),
    },
    createGateway: (...args: never[]) => real().createGateway(...args),
    gateway: new Proxy<GatewayModule["gateway"]>(function gateway() {}, {
      apply: (_target, _self, args: never[]) => real().gateway(...args),
      get: (_target, key) => Reflect.get(real().gateway, key),
    }),
  };
}

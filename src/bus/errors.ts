/** Any failure of the bus itself (bad topic, closed bus, unreachable server). Messages are one line. */
export class BusError extends Error {
  override name = "BusError";
}

export class BusTimeoutError extends BusError {
  override name = "BusTimeoutError";
  constructor(
    readonly topic: string,
    readonly timeoutMs: number,
  ) {
    super(`no reply on '${topic}' within ${timeoutMs} ms`);
  }
}

export class BusNoResponderError extends BusError {
  override name = "BusNoResponderError";
  constructor(readonly topic: string) {
    super(`no responder is subscribed to '${topic}'`);
  }
}

export class BusClosedError extends BusError {
  override name = "BusClosedError";
  constructor() {
    super("the agent bus is closed");
  }
}

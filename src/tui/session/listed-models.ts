import type { Config } from "../../config/schema.ts";
import { customListings } from "../../provider/model-list.ts";

/**
 * Custom providers' models from their `/models` endpoints, for the model picker: fetched once, in the
 * background, on the first call (the picker shows the configured models until then).
 */
export class ListedModels {
  private listed: Map<string, string[]> | undefined;

  constructor(
    private readonly config: Config,
    private readonly onListed: () => void,
  ) {}

  get(): ReadonlyMap<string, string[]> {
    if (!this.listed) {
      this.listed = new Map();
      const listed = this.listed;
      for (const listing of customListings(this.config))
        void listing.then((l) => {
          listed.set(
            l.provider,
            l.models.map((m) => m.ref),
          );
          this.onListed();
        });
    }
    return this.listed;
  }
}

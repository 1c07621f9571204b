/** A few names for a one-line message: the first `shown`, then how many more (`a, b, c and 4 more`). */
export function nameFew(names: string[], shown = 5): string {
  const more = names.length - shown;
  return names.slice(0, shown).join(", ") + (more > 0 ? ` and ${more} more` : "");
}

import { useCallback, useRef, useState } from "react";

type Update<T> = T | ((current: T) => T);

/**
 * useState whose latest value is readable at once through `ref`: the keys of one input chunk (typed
 * text, then Enter) are handled before React re-renders, and each must see the previous one's edit.
 */
export function useRefState<T>(initial: T): [T, (next: Update<T>) => void, { readonly current: T }] {
  const [value, setValue] = useState(initial);
  const ref = useRef(value);
  const set = useCallback((next: Update<T>) => {
    ref.current = typeof next === "function" ? (next as (current: T) => T)(ref.current) : next;
    setValue(ref.current);
  }, []);
  return [value, set, ref];
}

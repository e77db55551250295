import { useEffect, useLayoutEffect } from 'react';

/** A layout effect in the browser, a plain (never run) effect on a server. */
export const useIsomorphicLayoutEffect = typeof window === 'undefined' ? useEffect : useLayoutEffect;

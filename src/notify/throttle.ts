/**
 * The per-person throttle, pure: at most `limit` notifications reach one person per
 * window; the rest are held for one digest, sent when the window lets one more through.
 */
export interface ThrottleSettings {
  limit: number;
  windowSeconds: number;
}

export type ThrottleDecision = { throttled: false } | { throttled: true; digestAt: Date };

/** `recent`: when this person's notifications within the window were sent (any order). */
export function decideThrottle(recent: Date[], now: Date, s: ThrottleSettings): ThrottleDecision {
  const windowMs = s.windowSeconds * 1000;
  const inWindow = recent
    .map((d) => d.getTime())
    .filter((t) => t > now.getTime() - windowMs && t <= now.getTime())
    .sort((a, b) => a - b);
  if (inWindow.length < s.limit) return { throttled: false };
  // The window admits another send once the oldest of the last `limit` sends leaves it.
  return { throttled: true, digestAt: new Date(inWindow[inWindow.length - s.limit]! + windowMs) };
}

/** Where a held notification waits: one digest per person and channel address. */
export const digestJobKey = (userId: string, channel: string, address: string) => `digest:${userId}:${channel}:${address}`;

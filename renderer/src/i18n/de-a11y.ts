import type { enA11y } from './en-a11y';

/** German UI strings: screen-reader announcements (issue 12 §8); the type makes a missing or stray key a compile error. */
export const deA11y: Record<keyof typeof enA11y, string> = {
  'a11y.tileRinging': 'Bei {who} klingelt es',
  'a11y.tileRingingCaller': 'Bei {who} klingelt es — Anrufer {caller}',
  'a11y.tilesRinging': 'Bei {count} Nebenstellen klingelt es',
  'a11y.underMinute': 'weniger als einer Minute',
  'a11y.minutes': '{m} Min.',
  'a11y.hoursMinutes': '{h} Std. {m} Min.',
};

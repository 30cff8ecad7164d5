/** English UI strings: screen-reader announcements (issue 12 §8). Part of the catalogue in ./en.ts. */
export const enA11y = {
  'a11y.tileRinging': 'Extension {who} is ringing',
  'a11y.tileRingingCaller': 'Extension {who} is ringing — caller {caller}',
  'a11y.tilesRinging': '{count} extensions are ringing',
  // A tile's duration as its label says it: by whole minutes, so the label changes once a minute (issue 13).
  'a11y.underMinute': 'under a minute',
  'a11y.minutes': '{m} min',
  'a11y.hoursMinutes': '{h} h {m} min',
};

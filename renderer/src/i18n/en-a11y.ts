/** English UI strings: screen-reader announcements (issue 12 §8). Part of the catalogue in ./en.ts. */
export const enA11y = {
  'a11y.tileRinging': 'Extension {who} is ringing',
  'a11y.tileRingingCaller': 'Extension {who} is ringing — caller {caller}',
  'a11y.tilesRinging': '{count} extensions are ringing',
};

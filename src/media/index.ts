// Media type detection from content (a maintained detector behind core's MediaTypeDetector).
export { detectMediaType } from './media-type-detector.js';

/** Renderer entry: theme and locale, Pinia, the API transport, then the app. */
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { resolveApi } from './api/resolve-api';
import { resolveMediaChannel } from './api/resolve-media';
import { createBrowserAudioBackend } from './audio/browser-backend';
import { wireEvents } from './api/wire-events';
import { useActivityReport } from './composables/use-activity-report';
import { startCallAudio } from './composables/use-call-audio';
import { applyStoredTextSize } from './composables/use-text-size';
import { detectLocale, setLocale } from './i18n';
import './styles/theme.css';
import './styles/base.css';
import './styles/forms.css';
import './styles/editor-pages.css';

setLocale(detectLocale(navigator.languages ?? [navigator.language]));
applyStoredTextSize();

const app = createApp(App);
app.use(createPinia());
const api = resolveApi();
// The media channel listens for Electron's port at once: the preload hands it over right after load.
const media = resolveMediaChannel(api);
void wireEvents(api).ready;
useActivityReport(api);
startCallAudio(createBrowserAudioBackend(media));
app.mount('#app');

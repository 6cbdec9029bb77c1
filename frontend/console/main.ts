// The agent console: a single-page app (Lit web components), served at /console.
import { useLanguage } from "./i18n";
import "./components/app";

// The browser's language until the agent's profile says otherwise (store/session.ts).
void useLanguage(null);

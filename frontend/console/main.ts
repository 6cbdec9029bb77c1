// The agent console: a single-page app (Lit web components), served at /console.
import "./components/app";

import { defineConfig } from "vite";
import { resolve } from "node:path";

// The agent console: a single-page app served by the Python app at /console.
export default defineConfig({
  root: resolve(__dirname, "console"),
  base: "/static/",
  publicDir: false,
  build: {
    outDir: resolve(__dirname, "../src/sportello/web/static"),
    emptyOutDir: false,
    rollupOptions: {
      input: {
        console: resolve(__dirname, "console/console.html"),
        reports: resolve(__dirname, "console/reports.html"),
        admin: resolve(__dirname, "console/admin.html"),
        supervision: resolve(__dirname, "console/supervision.html"),
      },
    },
  },
});

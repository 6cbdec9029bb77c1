import { defineConfig } from "vite";
import { resolve } from "node:path";

// The visitor widget: one self-contained script (styles inside its Shadow DOM).
export default defineConfig({
  publicDir: false,
  build: {
    outDir: resolve(__dirname, "../src/sportello/web/static"),
    emptyOutDir: false,
    lib: {
      entry: resolve(__dirname, "widget/main.ts"),
      name: "SportelloWidget",
      formats: ["iife"],
      fileName: () => "widget.js",
    },
  },
});

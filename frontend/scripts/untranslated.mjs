// Lists text a person would read that is not wrapped in msg() (@lit/localize), in the given
// folders' .ts files (default: widget and shared); exits 1 when it finds any. A heuristic,
// on TypeScript's own syntax tree (docs/architecture.md, "Languages"):
//  - in html`` templates (not those inside msg()): a text node with a word in it, or a static
//    aria-label, title, placeholder, alt or label attribute with a word in it;
//  - elsewhere: a string that reads like words for a person — two words or more, or one
//    capitalised word ("Cancel") — unless it is compared, switched on, a type, an object
//    key, a module path, a `message` beside a `code` (an error's developer text), or passed
//    to a call that never shows it (querySelector, addEventListener, console.warn…).
// Usage: node scripts/untranslated.mjs [folder…]   (from frontend/; a folder's subfolders too)

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

const FOLDERS = process.argv.length > 2 ? process.argv.slice(2) : ["widget", "shared"];
/** Generated catalogues and CSS hold no sentences of ours. */
const SKIP = new Set(["widget/styles.ts"]);
/** Words that are the same in every language (an abbreviation, the product's name, an HTTP
 * authentication scheme, a language's own name in the language menu, the sleeping mark). */
const SAME_EVERYWHERE = new Set(["PDF", "Sportello", "Bearer", "English", "Italiano", "zZZ"]);
/** Calls whose string arguments no person reads. */
const SILENT_CALLS = new Set([
  "includes", "querySelector", "querySelectorAll", "addEventListener", "removeEventListener",
  "getItem", "setItem", "removeItem", "createElement", "setAttribute", "getAttribute",
  "setProperty", "warn", "error", "log", "debug", "startsWith", "endsWith", "CustomEvent",
  "get", "query", "ApiError",
]);
/** A template that builds code for the reader to copy (an embed snippet), not a sentence. */
const CODE = /^\s*<[a-z]+[\s>]/;
const ATTRIBUTES = /\b(aria-label|title|placeholder|alt|label)="([^"]*)"/g;
const WORD = /\p{L}{2,}/u;

function looksLikeWords(text) {
  const t = text.trim();
  if (SAME_EVERYWHERE.has(t)) return false;
  return /\p{L}{2,}[,.;:!?…'’]?\s+\p{L}/u.test(t) || /^\p{Lu}\p{Ll}+[.!?…]?$/u.test(t);
}

function calleeName(call) {
  const e = call.expression;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return "";
}

function insideMsg(node) {
  for (let p = node.parent; p; p = p.parent) {
    if (ts.isCallExpression(p) && calleeName(p) === "msg") return true;
  }
  return false;
}

/** Not shown: compared, switched on, a type, a key, a module path, a developer message… */
function silent(node) {
  const p = node.parent;
  if (ts.isImportDeclaration(p) || ts.isExportDeclaration(p) || ts.isLiteralTypeNode(p)) return true;
  if (ts.isCaseClause(p) || ts.isElementAccessExpression(p)) return true;
  if (ts.isPropertyAssignment(p) && p.name === node) return true;
  if (ts.isBinaryExpression(p) && /^(===|!==|==|!=|in)$/.test(ts.tokenToString(p.operatorToken.kind) ?? "")) return true;
  let value = node;
  while (ts.isParenthesizedExpression(value.parent) || ts.isConditionalExpression(value.parent) ||
    (ts.isBinaryExpression(value.parent) && /^(\?\?|\|\|)$/.test(ts.tokenToString(value.parent.operatorToken.kind) ?? ""))) {
    value = value.parent;
  }
  const holder = value.parent;
  if (ts.isPropertyAssignment(holder) && holder.name.getText() === "message") {
    const siblings = holder.parent.properties.map((q) => q.name?.getText());
    if (siblings.includes("code")) return true;
  }
  if ((ts.isCallExpression(p) || ts.isNewExpression(p)) && p.arguments?.includes(node)) {
    const name = ts.isNewExpression(p) ? p.expression.getText() : calleeName(p);
    if (SILENT_CALLS.has(name) || name === "Error") return true;
  }
  return false;
}

function templateText(tpl) {
  if (ts.isNoSubstitutionTemplateLiteral(tpl)) return tpl.text;
  return tpl.head.text + tpl.templateSpans.map((s) => "\u0000" + s.literal.text).join("");
}

const found = [];

function report(file, source, node, text) {
  const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
  found.push(`${file}:${line + 1}: ${JSON.stringify(text.replace(/\u0000/g, "${…}").trim())}`);
}

function checkHtml(file, source, node) {
  const text = templateText(node.template).replace(/<!--[\s\S]*?-->/g, "");
  for (const [, , value] of text.matchAll(ATTRIBUTES)) {
    if (WORD.test(value) && !SAME_EVERYWHERE.has(value.trim())) report(file, source, node, value);
  }
  for (const piece of text.replace(/<[^>]*>/g, "\u0001").split(/[\u0000\u0001]/)) {
    if (WORD.test(piece) && !SAME_EVERYWHERE.has(piece.trim())) report(file, source, node, piece);
  }
}

function visit(file, source, node) {
  if (ts.isTaggedTemplateExpression(node)) {
    const tag = node.tag.getText(source);
    if (tag === "html" && !insideMsg(node)) checkHtml(file, source, node);
    if (tag === "html" || tag === "svg" || tag === "css" || tag === "str") {
      // expressions inside are ordinary code: look at them, not at the template's own text
      if (!ts.isNoSubstitutionTemplateLiteral(node.template)) {
        for (const span of node.template.templateSpans) visit(file, source, span.expression);
      }
      return;
    }
  }
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) {
    const text = ts.isStringLiteral(node) ? node.text : templateText(node);
    if (looksLikeWords(text.replace(/\u0000/g, " ")) && !CODE.test(text) && !insideMsg(node) && !silent(node)) {
      report(file, source, node, text);
    }
    if (ts.isTemplateExpression(node)) for (const span of node.templateSpans) visit(file, source, span.expression);
    return;
  }
  ts.forEachChild(node, (child) => visit(file, source, child));
}

function tsFiles(folder) {
  return readdirSync(folder, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) return entry.name === "locales" ? [] : tsFiles(path);
      return entry.name.endsWith(".ts") ? [path] : [];
    });
}

for (const folder of FOLDERS) {
  for (const file of tsFiles(folder)) {
    if (SKIP.has(file)) continue;
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
    visit(file, source, source);
  }
}

if (found.length) {
  console.log(`Text not in the catalogue (wrap it in msg()):\n${found.join("\n")}`);
  process.exit(1);
}
console.log(`No unwrapped text in ${FOLDERS.join(", ")}.`);

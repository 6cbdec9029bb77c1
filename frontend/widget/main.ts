const script = document.currentScript;
console.debug("sportello widget placeholder", script?.getAttribute("src"));

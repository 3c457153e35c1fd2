import { codeToHtml } from "shiki";
import { transformerNotationDiff } from "@shikijs/transformers";

export const render = (code: string) => codeToHtml(code, { lang: "ts", theme: "nord", transformers: [transformerNotationDiff()] });

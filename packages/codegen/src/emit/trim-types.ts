/**
 * Drops what openapi-typescript prints but no type reads, so the declarations a consumer installs are
 * smaller (issue 18: @brokerkit/alpaca alone within 1.5 MB) and say the same:
 * - in `paths`, a path's `put?: never`-style members (openapi-fetch offers a method only for a path
 *   whose item has it) and the path-level `parameters` (each operation carries them merged in);
 * - a response's `headers: { [name: string]: unknown }` when the spec declares no header (openapi-fetch
 *   types `data` and `error` from `content` only). Declared response headers stay.
 * - in JSDoc, `@enum {string}` (the type is the union of its values already) and a leading
 *   `@description` tag (a comment's first text is its description; editors then show it plainly).
 * Every other member, and every other line of JSDoc, is printed as openapi-typescript made it.
 */
import ts from "typescript";

const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

export function trimTypes(nodes: readonly ts.Node[]): ts.Node[] {
  return nodes.map((node) => {
    if (!ts.isInterfaceDeclaration(node)) return node;
    switch (node.name.text) {
      case "paths":
        return withMembers(
          node,
          node.members.map((path) => mapLiteral(path, trimPathItem)),
        );
      case "operations":
        return withMembers(
          node,
          node.members.map((operation) => mapLiteral(operation, trimOperation)),
        );
      case "components":
        return withMembers(
          node,
          node.members.map((member) => (nameOf(member) === "responses" ? mapLiteral(member, trimResponses) : member)),
        );
      default:
        return node;
    }
  });
}

function trimPathItem(members: readonly ts.TypeElement[]): ts.TypeElement[] {
  return members
    .filter((member) => {
      const name = nameOf(member);
      if (name === "parameters") return false;
      const neverMethod = ts.isPropertySignature(member) && member.type?.kind === ts.SyntaxKind.NeverKeyword;
      return !(name && METHODS.has(name) && neverMethod);
    })
    .map((member) => (METHODS.has(nameOf(member) ?? "") ? mapLiteral(member, trimOperation) : member));
}

/** An operation (in `operations`, or inline in `paths` when it has no operationId): its responses trimmed. */
function trimOperation(members: readonly ts.TypeElement[]): ts.TypeElement[] {
  return members.map((member) => (nameOf(member) === "responses" ? mapLiteral(member, trimResponses) : member));
}

/** Each response of a `responses` map (by status) without its undeclared headers. */
function trimResponses(members: readonly ts.TypeElement[]): ts.TypeElement[] {
  return members.map((response) => mapLiteral(response, (fields) => fields.filter((field) => !isAnyHeaders(field))));
}

/** `headers: { [name: string]: unknown }`: what openapi-typescript prints for a response with no declared header. */
function isAnyHeaders(member: ts.TypeElement): boolean {
  if (nameOf(member) !== "headers" || !ts.isPropertySignature(member) || !member.type) return false;
  if (!ts.isTypeLiteralNode(member.type) || member.type.members.length !== 1) return false;
  const only = member.type.members[0];
  return only !== undefined && ts.isIndexSignatureDeclaration(only) && only.type.kind === ts.SyntaxKind.UnknownKeyword;
}

function nameOf(member: ts.TypeElement): string | undefined {
  const name = member.name;
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

/** The member with its type literal's members replaced; any other member as it is. */
function mapLiteral(
  member: ts.TypeElement,
  map: (members: readonly ts.TypeElement[]) => readonly ts.TypeElement[],
): ts.TypeElement {
  if (!ts.isPropertySignature(member) || !member.type || !ts.isTypeLiteralNode(member.type)) return member;
  const before = member.type.members;
  const members = map(before);
  if (members.length === before.length && members.every((m, i) => m === before[i])) return member;
  return ts.factory.updatePropertySignature(
    member,
    member.modifiers,
    member.name,
    member.questionToken,
    ts.factory.updateTypeLiteralNode(member.type, ts.factory.createNodeArray(members)),
  );
}

function withMembers(node: ts.InterfaceDeclaration, members: readonly ts.TypeElement[]): ts.InterfaceDeclaration {
  return ts.factory.updateInterfaceDeclaration(
    node,
    node.modifiers,
    node.name,
    node.typeParameters,
    node.heritageClauses,
    members,
  );
}

/** The printed types with the JSDoc noise above removed (comments are text by then, not nodes). */
export function tidyJsDoc(text: string): string {
  return (
    text
      // `/** @enum {string} */` alone on its line, or a line of a longer comment.
      .replace(/^[ \t]*\/\*\* @enum \{[^}\n]*\} \*\/\r?\n/gm, "")
      .replace(/^[ \t]*\* @enum \{[^}\n]*\}\r?\n/gm, "")
      // A description that opens its comment needs no tag.
      .replace(/\/\*\* @description /g, "/** ")
      .replace(/(\/\*\*\r?\n[ \t]*\* )@description /g, "$1")
      // A comment left with one line fits on it.
      .replace(/\/\*\*\r?\n[ \t]*\* ([^\n]*)\r?\n[ \t]*\*\//g, "/** $1 */")
  );
}

// Moves secrets out of imported env values and headers: the value is replaced by a `${VAR}` reference
// and remembered only in memory, so init can say which variables to export without writing the
// secret anywhere (not gateway.yaml, not the terminal).
import { referencedVariables, variableName } from './references.js';

/** Names that hold credentials by convention. */
const SECRET_NAME = /token|key|secret|passw(or)?d|auth|credential|cookie|session/i;
const BEARER = /^(Bearer|Basic|Token)\s+(.+)$/i;
/** The password of a `scheme://user:password@host` URL (a database URL in a server's arguments, say). */
export const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)([^\s/@]+)(@)/gi;

/** A variable the person must export before serving. */
export interface SecretVariable {
  variable: string;
  server: string;
  /** `env GITHUB_TOKEN` or `header Authorization`. */
  field: string;
  /** True when the client config already held a reference, not the secret itself. */
  wasReference: boolean;
}

/** Hands out variable names, one per distinct secret, suffixing a name taken by another value. */
export class SecretTable {
  readonly #values = new Map<string, string>();
  readonly variables: SecretVariable[] = [];

  /** The env value to write: a reference for a secret, the value itself otherwise. */
  envValue(server: string, key: string, value: string): string {
    if (referencedVariables(value).length > 0) {
      this.#note(server, `env ${key}`, referencedVariables(value), true);
      return value;
    }
    if (!SECRET_NAME.test(key) && !BEARER.test(value)) return value;
    return this.#replace(server, `env ${key}`, variableName(key), value);
  }

  /** The header value to write: `Bearer ${VAR}` keeps the scheme and moves the credential. */
  headerValue(server: string, header: string, value: string): string {
    if (referencedVariables(value).length > 0) {
      this.#note(server, `header ${header}`, referencedVariables(value), true);
      return value;
    }
    const bearer = BEARER.exec(value);
    if (bearer) return `${bearer[1]} ${this.#replace(server, `header ${header}`, variableName(`${server}_token`), bearer[2]!)}`;
    if (!SECRET_NAME.test(header)) return value;
    return this.#replace(server, `header ${header}`, variableName(`${server}_${header}`), value);
  }

  /** An argument or URL with the password of any `scheme://user:password@` URL in it moved to a variable. */
  urlValue(server: string, field: string, text: string): string {
    return text.replace(URL_PASSWORD, (whole, head: string, password: string, at: string) =>
      referencedVariables(password).length > 0 ? whole : `${head}${this.#replace(server, field, variableName(`${server}_password`), password)}${at}`,
    );
  }

  #replace(server: string, field: string, wanted: string, secret: string): string {
    let variable = wanted;
    if (this.#values.has(variable) && this.#values.get(variable) !== secret) variable = variableName(`${server}_${wanted}`);
    for (let n = 2; this.#values.has(variable) && this.#values.get(variable) !== secret; n++) variable = `${variableName(`${server}_${wanted}`)}_${n}`;
    this.#values.set(variable, secret);
    this.#note(server, field, [variable], false);
    return `\${${variable}}`;
  }

  #note(server: string, field: string, names: string[], wasReference: boolean): void {
    for (const variable of names) {
      if (!this.variables.some((known) => known.variable === variable)) this.variables.push({ variable, server, field, wasReference });
    }
  }
}

/// The OpenAPI 3.1 document of the JSON API, served at `/openapi.yaml`. The tests call every route it names and
/// check each answer's status and JSON against it (`OpenAPITests`), and validate it with openapi-spec-validator.
public enum OpenAPIDocument {
    public static let yaml = #"""
openapi: 3.1.0
info:
  title: termaudit
  version: "1"
  summary: 经济责任审计与离任交接 — the web application's JSON API
  description: |
    The same operations and rights as the pages (docs/web.md). Sign in with POST /api/v1/session: the answer sets
    the session cookie and gives a CSRF token, sent back as X-CSRF-Token on every state-changing call.
    Errors are {"error": {"code", "message", "fields": [{"path", "message"}]}} with the command line's messages.
servers:
  - url: /
components:
  securitySchemes:
    session:
      type: apiKey
      in: cookie
      name: termaudit_session
  parameters:
    caseID:
      name: id
      in: path
      required: true
      schema: {type: string}
      description: A case id, e.g. 2024-007.
    csrf:
      name: X-CSRF-Token
      in: header
      required: true
      schema: {type: string}
      description: The csrf_token of the sign-in answer.
    job:
      name: job
      in: path
      required: true
      schema: {type: string}
  schemas:
    Error:
      type: object
      required: [error]
      properties:
        error:
          type: object
          required: [code, message, fields]
          properties:
            code: {type: string}
            message: {type: string}
            fields:
              type: array
              items:
                type: object
                required: [path, message]
                properties:
                  path: {type: string, description: "A field path (findings[1].status) or a workbook cell (问题与整改!I3)."}
                  message: {type: string}
                  line: {type: integer}
                  column: {type: integer}
            since:
              type: array
              items: {type: string}
              description: A conflict's fields and the revisions since (who, when, what).
    CaseListItem:
      type: object
      required: [id, revision, state, name, unit, term_end, pending, overdue]
      properties:
        id: {type: string}
        revision: {type: integer}
        state: {type: string, enum: [on_hold, preparing, auditing, ready_for_signoff, signed_off]}
        name: {type: string}
        unit: {type: string}
        term_end: {type: string}
        pending: {type: array, items: {type: string}, description: "The departments that have not given their conclusion."}
        overdue: {type: integer, description: "How many handover items and findings are overdue."}
    Case:
      type: object
      description: The case exactly as `termaudit status --format json` shows one case, plus its current revision.
      required: [id, name, unit, state, term, reasons, revision]
      properties:
        id: {type: string}
        name: {type: string}
        unit: {type: string}
        state: {type: string, enum: [on_hold, preparing, auditing, ready_for_signoff, signed_off]}
        term: {type: object}
        reasons:
          type: array
          items:
            type: object
            required: [rule, message, message_en]
            properties:
              rule: {type: string}
              message: {type: string}
              message_en: {type: string}
              citation: {type: string}
        revision: {type: integer}
      additionalProperties: true
    Job:
      type: object
      required: [id, edition, state, done, total]
      properties:
        id: {type: string}
        edition: {type: string, enum: [internal, public, fill-in]}
        department: {type: [string, "null"]}
        state: {type: string, enum: [running, done, failed]}
        done: {type: integer}
        total: {type: integer}
        cases: {type: integer}
        digest: {type: string}
        message: {type: string}
        file: {type: string}
    Preview:
      type: object
      required: [id, changes, cases, changed_since, voided, apply]
      properties:
        id: {type: string}
        changes:
          type: array
          items:
            type: object
            required: [case, field, old, new]
            properties:
              case: {type: string}
              field: {type: string}
              old: {type: string}
              new: {type: string}
        cases: {type: array, items: {type: string}}
        changed_since: {type: array, items: {type: string}}
        voided: {type: array, items: {type: string}}
        apply: {type: string}
  responses:
    Error:
      description: An error, with the command line's message.
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Error"}
security:
  - session: []
paths:
  /api/v1/session:
    post:
      summary: Sign in
      security: []
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [username, password]
              properties:
                username: {type: string}
                password: {type: string}
      responses:
        "200":
          description: Signed in; the session cookie is set.
          content:
            application/json:
              schema:
                type: object
                required: [username, display_name, csrf_token, roles]
                properties:
                  username: {type: string}
                  display_name: {type: string}
                  csrf_token: {type: string}
                  roles: {type: array, items: {type: string}}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
        "413": {$ref: "#/components/responses/Error"}
        "429":
          description: Too many failed sign-ins for this account name or from this address; no password was checked.
          headers:
            Retry-After: {description: Seconds until a sign-in is checked again., schema: {type: integer}}
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
    delete:
      summary: Sign out
      parameters: [{$ref: "#/components/parameters/csrf"}]
      responses:
        "204": {description: "Signed out."}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
  /api/v1/cases:
    get:
      summary: The cases the account may see, searched, filtered and sorted, a page at a time
      parameters:
        - {name: q, in: query, schema: {type: string}, description: "Part of the official's name, the unit or the case id."}
        - {name: state, in: query, schema: {type: string, enum: [on_hold, preparing, auditing, ready_for_signoff, signed_off]}}
        - {name: unit, in: query, schema: {type: string}, description: "The unit, exactly."}
        - {name: department, in: query, schema: {type: string}, description: "Only cases where this department (discipline, organization, personnel, audit) has not given its conclusion."}
        - {name: term_from, in: query, schema: {type: string, format: date}, description: "The term ends on or after this day."}
        - {name: term_to, in: query, schema: {type: string, format: date}, description: "The term ends on or before this day."}
        - {name: overdue, in: query, schema: {type: string, enum: ["1"]}, description: "Only cases with something overdue."}
        - {name: sort, in: query, schema: {type: string, enum: [id, term_end, name, unit], default: id}}
        - {name: after, in: query, schema: {type: string}, description: "The `next` of the page before."}
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 500, default: 50}}
      responses:
        "200":
          description: One page.
          content:
            application/json:
              schema:
                type: object
                required: [total, cases]
                properties:
                  total: {type: integer}
                  cases: {type: array, items: {$ref: "#/components/schemas/CaseListItem"}}
                  next: {type: [string, "null"]}
        "401": {$ref: "#/components/responses/Error"}
    post:
      summary: "Open a new case (organization administrators): the skeleton `termaudit new case` writes, checked as `validate` checks it, stored as revision 1"
      parameters: [{$ref: "#/components/parameters/csrf"}]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [id, official, unit, title, rank, level, decided, trigger]
              properties:
                id: {type: string}
                official: {type: string, description: "The audited official's name."}
                unit: {type: string}
                title: {type: string}
                rank: {type: string, description: "principal (正职) or deputy (副职)."}
                level: {type: string}
                system: {type: string, description: "The ranking group; default: the unit's kind in the unit registry."}
                basis: {type: string, description: "elected, appointed (default) or contract."}
                decided: {type: string, format: date}
                trigger: {type: string, description: "term_end, transfer or promotion."}
                folder: {type: string, description: "A folder under cases/ that the store's cases already use."}
      responses:
        "201":
          description: Created.
          content:
            application/json:
              schema:
                type: object
                required: [id, revision]
                properties:
                  id: {type: string}
                  revision: {type: integer}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
        "409": {$ref: "#/components/responses/Error"}
        "422": {$ref: "#/components/responses/Error"}
  /api/v1/cases/{id}:
    get:
      summary: One case as `status --format json` shows it, with its revision (also the ETag)
      parameters: [{$ref: "#/components/parameters/caseID"}]
      responses:
        "200":
          description: The case.
          headers:
            ETag: {schema: {type: string}}
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Case"}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
  /api/v1/cases/{id}/history:
    get:
      summary: The case's revisions, each field changed, and its chain re-verified
      parameters: [{$ref: "#/components/parameters/caseID"}]
      responses:
        "200":
          description: The history, oldest first.
          content:
            application/json:
              schema:
                type: object
                required: [chain_ok, problems, revisions]
                properties:
                  chain_ok: {type: boolean}
                  problems: {type: array, items: {type: string}}
                  revisions:
                    type: array
                    items:
                      type: object
                      required: [revision, at, author, note, withdrawn, hash, changes]
                      properties:
                        revision: {type: integer}
                        at: {type: string}
                        author: {type: string}
                        note: {type: string}
                        withdrawn: {type: boolean}
                        hash: {type: string}
                        changes:
                          type: array
                          items:
                            type: object
                            required: [path]
                            properties:
                              path: {type: string}
                              old: {type: [string, "null"]}
                              new: {type: [string, "null"]}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
  /api/v1/cases/{id}/signoffs:
    parameters: [{$ref: "#/components/parameters/caseID"}]
    get:
      summary: The case's sign-off — who the case names for each role, and every record verified now (as `verify --explain`)
      responses:
        "200":
          description: The sign-off state.
          headers:
            ETag: {schema: {type: string}}
          content:
            application/json:
              schema:
                type: object
                required: [case, revision, state, digest, roles, signatures]
                properties:
                  case: {type: string}
                  revision: {type: integer}
                  state: {type: string, enum: [on_hold, preparing, auditing, ready_for_signoff, signed_off]}
                  digest: {type: string, description: "The case's content digest now (docs/signoff.md §3)."}
                  roles:
                    type: array
                    items:
                      type: object
                      required: [role, label, required]
                      properties:
                        role: {type: string}
                        label: {type: object}
                        required: {type: boolean}
                        named: {type: [string, "null"]}
                        verdict: {type: [string, "null"], enum: [valid, stale, invalid, null]}
                  signatures:
                    type: array
                    items:
                      type: object
                      required: [index, role, name, post, time, result, changed_sections, detail, message, digest, public_key]
                      properties:
                        index: {type: integer}
                        role: {type: string}
                        name: {type: string}
                        post: {type: string}
                        time: {type: string}
                        result: {type: string, enum: [valid, stale, bad-signature, unknown-key, wrong-case, wrong-signer, superseded]}
                        changed_sections: {type: array, items: {type: string}}
                        signed_case: {type: [string, "null"]}
                        detail: {type: object}
                        message: {type: string, description: "The signed message (UTF-8, LF line ends)."}
                        digest: {type: string}
                        public_key: {type: string}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
    post:
      summary: Sign — a signature made with the signer's key over the message POST …/signoffs/prepare gave; checked again, then appended as a revision
      parameters: [{$ref: "#/components/parameters/csrf"}]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [role, public_key, time, signature, revision]
              properties:
                role: {type: string}
                public_key: {type: string, description: "Base64 of the 32-byte Ed25519 public key."}
                time: {type: string, description: "The time prepare gave (valid for 15 minutes)."}
                signature: {type: string, description: "Base64 of the 64-byte Ed25519 signature of the message's bytes."}
                revision: {type: integer, description: "The revision prepare gave; a case changed since is 409."}
      responses:
        "201":
          description: Signed; the new revision and the case's state.
          content:
            application/json:
              schema:
                type: object
                required: [revision, state, role, name, time, digest]
                properties:
                  revision: {type: integer}
                  state: {type: string, enum: [on_hold, preparing, auditing, ready_for_signoff, signed_off]}
                  role: {type: string}
                  name: {type: string}
                  time: {type: string}
                  digest: {type: string}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {$ref: "#/components/responses/Error"}
        "422": {$ref: "#/components/responses/Error"}
  /api/v1/cases/{id}/signoffs/prepare:
    post:
      summary: Check that a key may sign a role now and give the exact message to sign (nothing is written; the private key never leaves the signer)
      parameters:
        - {$ref: "#/components/parameters/caseID"}
        - {$ref: "#/components/parameters/csrf"}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [role, public_key]
              properties:
                role: {type: string, description: "A sign-off role of the policy (team_leader, outgoing, incoming, supervisor)."}
                public_key: {type: string, description: "Base64 of the 32-byte Ed25519 public key registered in signers.yaml."}
      responses:
        "200":
          description: The record prepared; sign the bytes of message_base64.
          content:
            application/json:
              schema:
                type: object
                required: [case, role, name, post, time, digest, public_key, message, message_base64, revision]
                properties:
                  case: {type: string}
                  role: {type: string}
                  name: {type: string}
                  post: {type: string}
                  time: {type: string}
                  digest: {type: string}
                  public_key: {type: string}
                  message: {type: string}
                  message_base64: {type: string}
                  revision: {type: integer}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "422": {$ref: "#/components/responses/Error"}
  /api/v1/cases/{id}/sections/{section}:
    parameters:
      - {$ref: "#/components/parameters/caseID"}
      - name: section
        in: path
        required: true
        schema: {type: string, enum: [official, post, trigger, team, indicators, handover, findings, audit, assessment]}
    get:
      summary: One top-level section in the case-file shape (keys in the file's order)
      responses:
        "200":
          description: The section (null when the case has none).
          headers:
            ETag: {schema: {type: string}}
          content:
            application/json:
              schema: {}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
    put:
      summary: Replace one section, based on a revision (If-Match)
      parameters:
        - {$ref: "#/components/parameters/csrf"}
        - {name: If-Match, in: header, required: true, schema: {type: string}, description: "The revision the change is based on, e.g. \"3\"."}
        - {name: void_signatures, in: query, schema: {type: boolean}, description: "Change a signed case (its signatures become stale)."}
      requestBody:
        required: true
        content:
          application/json:
            schema: {}
      responses:
        "200":
          description: Written as this revision (the same revision when nothing changed).
          content:
            application/json:
              schema:
                type: object
                required: [revision]
                properties:
                  revision: {type: integer}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {$ref: "#/components/responses/Error"}
        "412": {$ref: "#/components/responses/Error"}
        "422": {$ref: "#/components/responses/Error"}
        "428": {$ref: "#/components/responses/Error"}
  /api/v1/exports:
    post:
      summary: Start exporting a workbook
      parameters: [{$ref: "#/components/parameters/csrf"}]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [edition]
              properties:
                edition: {type: string, enum: [internal, public, fill-in]}
                department: {type: string}
                state: {type: string}
                cases: {type: array, items: {type: string}}
      responses:
        "202":
          description: Started.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Job"}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
        "422": {$ref: "#/components/responses/Error"}
        "429": {$ref: "#/components/responses/Error"}
  /api/v1/exports/{job}:
    get:
      summary: An export's progress
      parameters: [{$ref: "#/components/parameters/job"}]
      responses:
        "200":
          description: The job.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Job"}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
  /api/v1/exports/{job}/file:
    get:
      summary: A finished export's workbook
      parameters: [{$ref: "#/components/parameters/job"}]
      responses:
        "200":
          description: The workbook.
          content:
            application/vnd.openxmlformats-officedocument.spreadsheetml.sheet:
              schema: {type: string, contentEncoding: binary}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {$ref: "#/components/responses/Error"}
  /api/v1/imports:
    post:
      summary: Upload a filled fill-in workbook; answers the change preview
      parameters:
        - {$ref: "#/components/parameters/csrf"}
        - {name: void_signatures, in: query, schema: {type: boolean}}
      requestBody:
        required: true
        content:
          application/vnd.openxmlformats-officedocument.spreadsheetml.sheet:
            schema: {type: string, contentEncoding: binary}
      responses:
        "200":
          description: The preview.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Preview"}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
        "422": {$ref: "#/components/responses/Error"}
  /api/v1/imports/{id}/apply:
    post:
      summary: Apply a preview (once); each changed case a revision under the uploader's name
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {$ref: "#/components/parameters/csrf"}
      responses:
        "200":
          description: Applied.
          content:
            application/json:
              schema:
                type: object
                required: [revisions]
                properties:
                  revisions: {type: array, items: {type: string}}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {$ref: "#/components/responses/Error"}
"""#
}

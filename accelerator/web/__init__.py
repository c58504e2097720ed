"""The web app: a small server-rendered door over the same services as the CLI (issue 16).

- ``app.py``: ``create_app()``, the pages (sign-in, home, barrier board, barrier) and the one place the
  error family becomes pages (403, 404, 400, 409)
- ``sessions.py``: signed cookie sessions (HMAC-SHA256, 30-minute idle timeout) and the signing secret
- ``csrf.py``: the form token every POST must carry
- ``security.py``: security headers and the limit on failed sign-ins
- ``templates/``, ``static/``: Jinja2 pages (autoescaped) and the one stylesheet; no scripts
"""

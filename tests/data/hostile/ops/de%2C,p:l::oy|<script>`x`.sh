#!/usr/bin/env bash
# Text meant to break reports: workflow commands (`::error::`, `%0A`), commas and colons in
# annotation properties, CR and LF, markdown table pipes, HTML, backticks; the file name too.
# Every output of orderlint must keep it inert (tests/test_report_*.py).
set -euo pipefail
bin/rails 'db:seed[a::warning::cr, 100%25 | <b>x</b>]' || echo "50% done, a:b <b>bold</b> | pipe `x` ::error::x"
bin/rails 'db:migrate[x|<script>alert(1)</script>,%0A::error::pwned `rm -rf` &amp; *b* _i_ (javascript:x)
::error file=x.sh,line=1::injected
| --- | --- |
<img src=x onerror=alert(1)>]' || true
bin/rails db:migrate:queue
bin/rails "db:$HOSTILE_TASK"

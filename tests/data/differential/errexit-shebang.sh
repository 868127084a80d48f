#!/bin/bash -e
# fail: db:migrate
# bash: aborts
# A `#!/bin/bash -e` shebang turns errexit on when the script is executed (the harness passes
# the shebang's flags, as the kernel would).
bin/rails db:migrate
echo MARK-after >> "$HOME/trace"

#!/bin/bash
# Moodle VPL runs this when a student presses "Run": the vpl_execution it writes asks which of
# the student's programs to run (and its arguments), compiles it against the kit installed on
# the jail server, and runs it in VPL's console.
TP=${TP_SOCKETS_TP:-/opt/tp-sockets/target/release/tp}

{
  echo '#!/bin/bash'
  echo '# Made by vpl_run.sh: runs one of the student programs of this folder.'
  echo 'export PATH=/usr/local/bin:/usr/bin:/bin'
  printf 'exec %q run --from .\n' "$TP"
} >vpl_execution
chmod +x vpl_execution

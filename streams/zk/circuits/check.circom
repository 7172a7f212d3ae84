pragma circom 2.1.0;
include "lowleaf.circom";
// One membership / non-membership check, depth 16 (65,534 leaves per set). Public: overlap, root, query.
component main {public [root, query]} = LowLeafCheck(16);

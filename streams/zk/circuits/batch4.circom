pragma circom 2.1.0;
include "lowleaf.circom";
// Four checks against one root, depth 16. Public: overlap[4], root, query[4].
component main {public [root, query]} = BatchCheck(16, 4);

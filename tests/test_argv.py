#!/usr/bin/env python3
"""The argument rules every command with options and operands shares
(engine/cli/argwalk.h), checked command by command: run, check, repl,
explain and explain --index.

The rules, as the commands' --help texts and the man page state them:
  - an option the command does not know is a usage error (exit 64) that
    names it, in the command's words ("explain: unknown option '--zz'");
  - an option that takes a value and has none: "--opt needs a value", 64;
  - "--" ends the options: what follows is an operand even when it starts
    with "-" (so the file "-x" can be named), and a second "--" too;
  - options and operands mix in any order.
Each expectation below follows from those rules and the command's
synopsis; none is copied from a run.  Prints "N passed, N failed" last.
"""
import os

from gstest import TMP, check, done, run

DATA = "data/gci2020.csv"
META, IDATA = "data/asem/ASEM_iMeta.csv", "data/asem/ASEM_iData.csv"
SCRIPT = os.path.join(TMP, "top.lua")
with open(SCRIPT, "w") as f:
    f.write('return gci.load("%s"):score():top(3)\n' % os.path.abspath(DATA))

# (command prefix, the words of its unknown-option error, an option that
#  takes a value, a well-formed call)
COMMANDS = [
    (["run"], "unknown option '--zz'", "--format", ["run", SCRIPT, "--format", "csv"]),
    (["check"], "check: unknown option '--zz'", "--expect", None),
    (["repl"], "repl: unknown option '--zz'", "--threads", None),
    (["explain"], "explain: unknown option '--zz'", "--format", ["explain", DATA, "VNM", "--format", "csv"]),
    (["explain", "--index", META], "explain --index: unknown option '--zz'", "--top",
     ["explain", "--index", META, IDATA, "ESP", "--format", "csv"]),
]

for prefix, unknown, valued, good in COMMANDS:
    name = " ".join(prefix[:2])
    rc, out, err = run(prefix + ["--zz"])
    check(rc == 64 and unknown in err, "%s --zz: 64 and %r (got %d %r)" % (name, unknown, rc, err))
    # the value-taking option last, with nothing after it
    rc, out, err = run(prefix + [valued])
    check(rc == 64 and "%s needs a value" % valued in err,
          "%s %s: 64 and 'needs a value' (got %d %r)" % (name, valued, rc, err))
    if good:
        # the options first, then the operands: the same output as in order
        opts, ops = good[-2:], good[:-2]
        rc1, out1, err1 = run(ops + opts)
        rc2, out2, err2 = run(ops[:1] + opts + ops[1:])
        check(rc1 == 0 and rc2 == 0 and out1 == out2 and out1.strip(),
              "%s: options before or after the operands give the same output (%d %d %r)" % (name, rc1, rc2, err2))

# After "--", "-x" is an operand, never an option: the command then looks
# for a file (or a unit) called "-x".
rc, out, err = run(["run", "--", "-x"])
check(rc != 0 and "unknown option" not in err and "-x" in err, "run -- -x: the script -x (got %d %r)" % (rc, err))
rc, out, err = run(["check", "--", "-x"])
check(rc != 0 and "unknown option" not in err and "-x" in err, "check -- -x: the exercise -x (got %d %r)" % (rc, err))
rc, out, err = run(["repl", "--", "-x"])
check(rc != 0 and "unknown option" not in err and "-x" in err, "repl -- -x: the dataset -x (got %d %r)" % (rc, err))
rc, out, err = run(["explain", DATA, "--", "-x"])
check(rc == 64 and "unknown country '-x'" in err, "explain DATA -- -x: the country -x (got %d %r)" % (rc, err))
rc, out, err = run(["explain", "--index", META, IDATA, "--", "-x"])
check(rc == 64 and "unknown unit '-x'" in err, "explain --index ... -- -x: the unit -x (got %d %r)" % (rc, err))
# a second "--" is an operand as well
rc, out, err = run(["explain", DATA, "--", "--"])
check(rc == 64 and "unknown country '--'" in err, "explain DATA -- --: the country -- (got %d %r)" % (rc, err))
# an option's value is the next argument, whatever it looks like
rc, out, err = run(["explain", DATA, "VNM", "--format", "--zz"])
check(rc == 64 and "unknown format '--zz'" in err, "explain --format --zz: the value --zz (got %d %r)" % (rc, err))

# One operand too many, in each command's words.
for args, want in [(["check", "a.lua", "b.lua"], "check: one exercise at a time (extra 'b.lua')"),
                   (["repl", "a.csv", "b.csv"], "repl: unexpected argument 'b.csv' (one dataset at most)"),
                   (["explain", DATA, "VNM", "SWE"], "explain: unexpected argument 'SWE'"),
                   (["explain", "--index", META, IDATA, "ESP", "FRA"], "explain: unexpected argument 'FRA'")]:
    rc, out, err = run(args)
    check(rc == 64 and want in err, "%s: 64 and %r (got %d %r)" % (" ".join(args), want, rc, err))

# run's operands after the script are the script's arguments, "--" or not.
rc, out, err = run(["a", "--", "--b", "--quiet"], "print(#arg, arg[1], arg[2], arg[3])\n", name="args.lua")
check(rc == 0 and out.split() == ["3", "a", "--b", "--quiet"], "run S a -- --b --quiet: arg = {a, --b, --quiet} (got %r)" % out)
rc, out, err = run(["--quiet", "a"], "print(#arg, arg[1])\n", name="args.lua")
check(rc == 0 and out.split() == ["1", "a"], "run S --quiet a: --quiet is run's, a the script's (got %r)" % out)
done()

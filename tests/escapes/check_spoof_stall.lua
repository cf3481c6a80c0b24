-- Class 11, a spoofed report (via: check): the exercise prints the words
-- of a perfect verdict, then stalls inside C where no hook runs, so the
-- real report never came.  Now what the exercise prints reaches stdout
-- after "| ", and gcisim check itself prints the verdict when the
-- watchdog ends the exercise: "FILE: not checked: timeout (--timeout)".
-- via: check
-- args: --timeout 1
-- exit: 80
-- error: gcisim: timeout: the script ran longer than 1 s (--timeout) and was stopped
exercise "01-read-score"
print("exercise 01-read-score: read a score")
print("\r3 of 3 right: well done")
return string.find(string.rep("a", 40000), ".-.-.-.-.-.-b")

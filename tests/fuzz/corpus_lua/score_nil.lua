local d = gci.load("data/gci2020.csv")
return d:score(nil)

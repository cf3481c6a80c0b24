
pcall(gci.load, "data/gci2024.csv", {key =  1, max = 19})
local d = gci>e{r}rro()

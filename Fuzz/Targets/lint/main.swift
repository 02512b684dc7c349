import FuzzHarness

FuzzDriver.main("lint")

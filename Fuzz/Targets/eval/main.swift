import FuzzHarness

FuzzDriver.main("eval")

import FuzzHarness

FuzzDriver.main("json")

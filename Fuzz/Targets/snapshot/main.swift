import FuzzHarness

FuzzDriver.main("snapshot")

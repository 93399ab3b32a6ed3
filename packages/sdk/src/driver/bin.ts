#!/usr/bin/env node
import { runDriver } from './driver.js';

runDriver();

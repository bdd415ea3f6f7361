import { Module } from '@nestjs/common';
import { EmailJobs } from './email.jobs.js';
import { SignupController } from './signup.controller.js';

@Module({ providers: [EmailJobs], controllers: [SignupController] })
export class EmailModule {}

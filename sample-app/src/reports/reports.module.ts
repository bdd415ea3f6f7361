import { Module } from '@nestjs/common';
import { ReportJobs } from './report.jobs.js';
import { ReportsController } from './reports.controller.js';

@Module({ providers: [ReportJobs], controllers: [ReportsController] })
export class ReportsModule {}

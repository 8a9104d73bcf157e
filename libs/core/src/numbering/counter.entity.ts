import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Gapless number series per scope (e.g. `case:<orgId>`) and year. */
@Entity('counters')
export class Counter {
  @PrimaryColumn('text') scope: string;
  @PrimaryColumn('integer') year: number;
  @Column('integer') value: number;
}
